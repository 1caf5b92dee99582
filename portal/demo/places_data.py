"""Demo county 青溪县 (fictional; code 339901 does not exist)."""

COUNTY = {"code": "339901", "name": "青溪县", "hotline": "0000-1230000", "petition_office": "钱文"}

TOWNSHIPS = [
    {"code": "339901101", "name": "白石镇", "discipline_secretary": "赵敏", "liaison_cadre": "孙浩",
     "hotline": "0000-1230101"},
    {"code": "339901102", "name": "柳塘镇", "discipline_secretary": "黄立新", "liaison_cadre": "周伟",
     "hotline": "0000-1230102"},
    {"code": "339901201", "name": "东山乡", "discipline_secretary": "曹红", "liaison_cadre": "钱磊",
     "hotline": "0000-1230201"},
]

# Township officials (乡镇干部) the county lists: a complaint naming one goes to the county.
# (township code, name, post); the discipline secretaries are the demo township handlers.
OFFICIALS = [
    ("339901101", "王振华", "党委书记"), ("339901101", "刘思远", "镇长"), ("339901101", "赵敏", "纪委书记"),
    ("339901101", "许光明", "分管农业副镇长"),
    ("339901102", "郭立群", "党委书记"), ("339901102", "宋佳明", "镇长"), ("339901102", "黄立新", "纪委书记"),
    ("339901102", "金海波", "分管城建副镇长"),
    ("339901201", "欧阳建", "党委书记"), ("339901201", "邱文涛", "乡长"), ("339901201", "曹红", "纪委书记"),
    ("339901201", "江月明", "分管民政副乡长"),
]

# (township code, village code, name, secretary, director, supervision chair, bookkeeper)
VILLAGES = [
    ("339901101", "339901101201", "白石村", "林国栋", "林国栋", "方淑芬", "叶小青"),
    ("339901101", "339901101202", "上塘村", "陈建国", "陈建国", "李德明", "周晓燕"),
    ("339901101", "339901101203", "溪口村", "吴志强", "郑海", "冯秀英", "何佳"),
    ("339901102", "339901102201", "柳塘村", "刘永康", "刘永康", "许春兰", "蒋丽"),
    ("339901102", "339901102202", "新桥村", "杨文斌", "杨文斌", "朱建华", "沈悦"),
    ("339901102", "339901102203", "枫林村", "高志远", "罗大勇", "韩美玲", "唐敏"),
    ("339901201", "339901201201", "东山村", "彭小军", "彭小军", "董玉珍", "袁芳"),
    ("339901201", "339901201202", "茶园村", "潘德福", "潘德福", "蔡文华", "邓琳"),
    ("339901201", "339901201203", "石门村", "谢国强", "马卫东", "田秋菊", "余静"),
]

# Demo staff accounts; the password is printed by seed-demo and in the README.
DEMO_PASSWORD = "demo-password-2025"
ACCOUNTS = [
    ("cadre_shangtang", "village_cadre", None, "339901101202", "陈建国"),
    ("cadre_xikou", "village_cadre", None, "339901101203", "吴志强"),
    ("handler_baishi", "township_handler", "339901101", None, "赵敏"),
    ("handler_liutang", "township_handler", "339901102", None, "黄立新"),
    ("handler_dongshan", "township_handler", "339901201", None, "曹红"),
    ("county_handler", "county_handler", None, None, "钱文"),
    ("county_admin", "county_admin", None, None, "县纪委管理员"),
    # A second administrator: accounts that read complaints need two of them (four eyes).
    ("county_admin2", "county_admin", None, None, "县纪委副管理员"),
]
